"""What the fork server of local sweeps loads before it forks any worker: the engine, and one
tiny run trained through it (`worker.warm_up`). Every worker is a fork of that server, so it
starts with the imports done and the first-call costs paid (scikit-learn's data helpers
import their dataframe checks on first use, pandas builds its first frames: ~0.1 s that each
worker of a sweep would otherwise spend before its first epoch)."""
from . import worker

worker.warm_up()
