"""What an execution produces and what bounds it: the record, the limits, the events.

The bottom layer: it imports nothing else of tsact.
"""
