"""Evaluation of the assistant: intent routing and argument filling."""
