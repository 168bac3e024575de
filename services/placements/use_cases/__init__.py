"""The service layer of placements: each use case loads, decides (`domain/decide.py`) and saves."""
