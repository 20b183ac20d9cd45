"""What an execution produces and what bounds it: the record, the limits, the events, and
the capped capture of console text, raw output and tool data that fills a record.

The bottom layer: it imports nothing else of tsact.
"""
