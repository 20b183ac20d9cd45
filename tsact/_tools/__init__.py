"""Tools and their declarations: Python functions made tools, their JSON Schemas, the
TypeScript the model and the checker see, the catalog of a large toolbox.

Imports only ``tsact._records``.
"""
