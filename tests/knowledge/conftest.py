"""The knowledge tests' samples live in samples.py; ``sample_items`` is in tests/conftest.py for every folder."""

from tests.knowledge.samples import SAMPLE, item, sample_rows

__all__ = ["SAMPLE", "item", "sample_rows"]
