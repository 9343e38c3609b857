"""Integrations with training frameworks. Each module imports its framework only if it is
installed (then its class derives from the framework's base class) and works without it, so
importing trialgraph never needs a framework:

* :mod:`trialgraph.integrations.lightning`: ``TrialGraphLogger``, a PyTorch Lightning ``Logger``;
* :mod:`trialgraph.integrations.huggingface`: ``TrialGraphCallback``, a Transformers ``TrainerCallback``;
* :mod:`trialgraph.integrations.keras`: ``TrialGraphKerasCallback``, a Keras ``Callback``.
"""

from __future__ import annotations

import numbers
import os
from typing import Any, Dict, Mapping, Optional

__all__ = ["flatten_parameters", "process_rank", "scalar"]


def process_rank() -> int:
    """This process's global rank as launchers set it (torchrun, SLURM, Lightning, LSF); 0 alone."""
    for name in ("RANK", "LOCAL_RANK", "SLURM_PROCID", "JSM_NAMESPACE_RANK"):
        value = os.environ.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return 0


def scalar(value: Any) -> Optional[float]:
    """A number (Python, numpy, a one-element tensor) as float; None for anything else."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, numbers.Real):
        return float(value)
    item = getattr(value, "item", None)
    if callable(item):
        try:
            if getattr(value, "numel", lambda: 1)() == 1 or getattr(value, "size", 1) == 1:
                return float(item())
        except (TypeError, ValueError, RuntimeError):
            return None
    return None


def flatten_parameters(params: Any, prefix: str = "", out: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Hyperparameters as trialgraph parameters: nested mappings (and argparse Namespaces,
    dataclasses with ``to_dict``) flattened with "." between keys; bool, int, float and str
    kept with their type; None dropped; anything else as its text (at most 4,096 characters)."""
    out = {} if out is None else out
    if hasattr(params, "to_dict") and callable(params.to_dict):
        params = params.to_dict()
    elif not isinstance(params, Mapping) and hasattr(params, "__dict__"):
        params = vars(params)
    for key, value in (params or {}).items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flatten_parameters(value, name + ".", out)
        elif value is None:
            continue
        elif isinstance(value, (bool, int, float, str)):
            out[name] = value[:4096] if isinstance(value, str) else value
        else:
            number = scalar(value)
            out[name] = number if number is not None else str(value)[:4096]
    return out
