"""Excel import and export framework: layouts, cell parsers, dry runs."""
