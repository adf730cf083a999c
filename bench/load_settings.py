"""Settings for the load benchmark's server only (bench/bench_load.py): the product's own
settings, plus the raw-SQL floor views under /bench/raw/. Never used by the product."""

from zhaoshang.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
