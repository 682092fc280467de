"""kosovo-kg: a knowledge graph about the international recognition of Kosovo."""

__version__ = "0.1.0"
