"""The single-file entry point kept for scripts written before the package: ``schedule_search`` is the implementation.

    python schedule_search_sampler.py SCHEDULE.json GMM_PARAMS.json NOISE.npy OUT.npy [--statistics STATS.npz] [--ems EMS.npz]

is ``python -m schedule_search`` with the same arguments; ``import schedule_search_sampler as s`` gives ``s.sample``,
``s.initial_state``, ``s.noise_schedule`` and ``s.gmm_denoiser`` as before.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from schedule_search import FORMAT, Edm, Flow, Schedule, VpDiscrete, VpLinear, gmm_denoiser, initial_state, noise_schedule, sample  # noqa: E402
from schedule_search.reference import main as _main  # noqa: E402

__all__ = ["sample", "initial_state", "noise_schedule", "gmm_denoiser", "Schedule", "VpDiscrete", "VpLinear", "Edm", "Flow", "FORMAT"]

if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
