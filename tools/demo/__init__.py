"""The deterministic demo organisation of 江州市滨江区 (fictional)."""

from tools.demo.seed import SeedReport, is_empty, seed, wipe

__all__ = ["SeedReport", "is_empty", "seed", "wipe"]
