from ...posting import tell_privately, where


def feedback_right_callback(ack, body, action, context, client, logger):
    """"Tags look right": the tags as shown are stored as one person's confirmed labels."""
    ack()
    services, key, user = context["services"], action["value"], body["user"]["id"]
    channel, thread_ts = where(body)
    stored = services.store.stored(key)
    if stored is None:
        text = "That reply is no longer stored, so I can't record feedback on it."
    else:
        result = stored[2]
        labels = {d: [t.label for t in result.tags.get(d, [])] for d in ("region", "topic", "stance")}
        try:
            services.store.add_feedback(
                key, user=user, verdict="right", region=labels["region"], topic=labels["topic"][:3],
                stance=(labels["stance"] or [""])[0],
            )
            text = "Thanks! Noted that these tags look right."
        except ValueError:
            text = "Some tags are missing there: please use Fix tags instead."
    services.submit(logger, tell_privately, client, channel=channel, user=user, thread_ts=thread_ts, text=text)
