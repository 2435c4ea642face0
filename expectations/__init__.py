"""The expectation suites of gbdocs: one JSON file per output table and the cross-table
consistency suite, shipped with the package as data (``gbdocs.expectations``)."""
