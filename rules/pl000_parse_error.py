"""A manifest that cannot be read as Kubernetes would read it.

## Why it matters
`kubectl apply` and the API server reject the whole document, and every other check is
blind to what it holds. portlint reports the problem at its exact line and column and
still lints the documents before and after it in the same stream.

Reported for:
- YAML syntax errors (the first error of each broken document);
- duplicate mapping keys: Kubernetes' strict decoding rejects them, and tools that accept
  them silently keep only the last one, so a reviewer may read a value that is not applied;
- a merge key (`<<`) whose value is not a mapping or a list of mappings;
- a `securityContext.sysctls` entry that is not a mapping, or whose `name` or `value` is a
  mapping or a list: Kubernetes decodes both as strings and rejects the object (reported at
  the entry, name or value; the rest of the object is still checked); likewise an entry
  without a `name` (missing, null or empty: the name is required);
- bytes that are not UTF-8 (or UTF-16 with a byte-order mark) text, and NUL bytes: the
  document holding the first of them is reported at that byte and not linted; the other
  documents of the file are (in any document, Kubernetes or not);
- a container's shell script nested more than 2,000 levels deep (subshells, braces, `&&`
  lists, conditions), at the script's first line: portlint does not analyse it, so its
  sysctl writes are not checked (a generated script, or one built to hide a write).

A byte-order mark may open any document (files joined with `cat` keep theirs), and a stream
that opens with `{` may hold several JSON objects one after another, as `kubectl` reads them:
each object is a document.

A document that fails to parse and holds `{{` is said to look like an unrendered Helm
template: lint the output of `helm template` (or `portlint helm CHART`) instead.

Only Kubernetes documents are checked: one with `apiVersion` and `kind` (or, when it does not
parse, whose text holds both keys), or a kind-less pod template patch. Compose files,
workflows, values files and JSON with comments are skipped, broken or not.

## Bad
```yaml
spec:
  containers:
    - name: app
  containers:          # duplicate key: which list does the cluster get?
    - name: sidecar
```

## Good
```yaml
spec:
  containers:
    - name: app
    - name: sidecar
```

## How to fix
Fix the YAML at the reported position: close the bracket or quote, fix the indentation,
remove the second copy of a duplicated key (keep the value you meant), merge only mappings
with `<<`, and save the file as UTF-8. Split a script nested that deep into functions or
steps. For a Helm chart, lint the output of `helm template`,
not the templates.

## References
- Kubernetes strict field validation: https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
- YAML 1.2 specification: https://yaml.org/spec/1.2.2/
"""

ID = "PL000"
NAME = "parse-error"
LEVEL = "error"
SCOPE = "input"  # no check: the engine reports it while reading and parsing each input
SUMMARY = (
    "The manifest cannot be parsed as Kubernetes would parse it (YAML syntax, duplicate keys, invalid merge keys, not text, "
    "a pod sysctl that is not two strings), "
    "or a container script is nested too deeply to analyse."
)
TAGS = ("correctness", "yaml")
PRECISION = "very-high"
SECURITY_SEVERITY = None
