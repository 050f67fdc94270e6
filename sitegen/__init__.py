"""sitegen: turn copied doctor Q&A pages into a static, trustworthy website."""

__version__ = "0.1.0"
