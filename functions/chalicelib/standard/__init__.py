"""The standard: THE schema of a Standar Pelayanan (schema.py), its parsing from Markdown with front matter,
and the catalogue of every standard and agency. Shared by the site build, the API and the checker."""
