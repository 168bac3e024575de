"""The place, fit and total parts of `score` over arrays, for the indexes."""

from __future__ import annotations

import numpy as np

from services.matching.domain.score import FIT_POINTS, REMOTE_VALUE, Weights
from services.matching.search.encoding import IN_PERSON_MASK, REMOTE_MASK, Floats, Ints, distances_km


def place_values(
    latitude: float, longitude: float, latitudes: Floats, longitudes: Floats, radius_km: Floats, common_modes: Ints
) -> Floats:
    """`score.place`: one side is a single point, the other arrays (distance is symmetric)."""
    with np.errstate(invalid="ignore"):
        km = distances_km(latitude, longitude, latitudes, longitudes)
        near = ((common_modes & IN_PERSON_MASK) != 0) & (km <= radius_km)
        in_person = np.where(near, np.exp(-np.where(near, km, 0.0) / radius_km), 0.0)
    remote = np.where((common_modes & REMOTE_MASK) != 0, REMOTE_VALUE, 0.0)
    return np.asarray(np.maximum(in_person, remote), dtype=np.float64)


def fit_values(common_modes: Ints, common_languages: Ints) -> Floats:
    return np.asarray(
        FIT_POINTS["modes"] * (common_modes != 0) + FIT_POINTS["languages"] * (common_languages != 0),
        dtype=np.float64,
    )


def totals(
    weights: Weights | Floats, job: Floats, path: Floats, place: Floats, fit: Floats, reliability: Floats | float
) -> Floats:
    """The weighted sum; `weights` is one Weights or a (rows, 5) array, a row per candidate."""
    w = np.asarray(
        [weights.job, weights.path, weights.place, weights.fit, weights.reliability]
        if isinstance(weights, Weights)
        else weights,
        dtype=np.float64,
    )
    return np.asarray(
        w[..., 0] * job + w[..., 1] * path + w[..., 2] * place + w[..., 3] * fit + w[..., 4] * reliability,
        dtype=np.float64,
    )
