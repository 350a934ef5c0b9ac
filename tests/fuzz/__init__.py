"""The fuzzing harness: generated command lines and the properties every run must keep."""
