"""Exports: decks with native PowerPoint charts (`pack`, `slides`, `native`), chart images (`images`), chart
data as CSV/XLSX (`images`, `cells`). Nothing is imported here, so that a page importing a slide rule
(gpaccess.export.native) does not load python-pptx."""
