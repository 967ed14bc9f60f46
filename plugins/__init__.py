"""The bundled plugins: shared featurizers and the topic, stance and region classifiers.

Each module is an ordinary policytag plugin, found through the same entry points a
third party's would be.
"""
