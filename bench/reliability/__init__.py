"""The fault-injection harness (`make reliability`, `python -m bench.reliability`): see `__main__`."""
