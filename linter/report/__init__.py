"""Report writers: pure functions from a run's findings to text. One module per format."""

FORMATS = ("text", "sarif", "json", "github")
