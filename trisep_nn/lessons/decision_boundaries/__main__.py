"""Retrain the runs notebook 09's explorers show and store their weights:

    python -m trisep_nn.lessons.decision_boundaries

Run it after changing the training (or the explorers' slider positions); the tests
fail while the stored runs differ from what training gives.
"""

import time

from trisep_nn.lessons.decision_boundaries import explorer_configs, store_fitted_runs

start = time.perf_counter()
path = store_fitted_runs()
print(f"stored {len(explorer_configs())} trained runs in {path} "
      f"({time.perf_counter() - start:.1f} s)")
