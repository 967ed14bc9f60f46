"""The fixed label ids of the bundled dimensions (see TAXONOMY.md): a public contract."""

REGIONS = ("asia-pacific", "middle-east", "europe", "africa", "latin-america", "north-america", "global")

TOPICS = (
    "diplomacy", "alliances", "military", "nuclear", "arms-trade", "sanctions",
    "trade-economy", "energy", "climate-environment", "public-health", "humanitarian",
    "human-rights", "religion-culture", "war-conflict", "technology-cyber",
    "domestic-politics", "intelligence", "migration",
)

STANCES = ("restraint", "hawkish", "neutral")

LABELS = {"region": REGIONS, "topic": TOPICS, "stance": STANCES}
