#!/usr/bin/env python3
"""Validate office profiles (YAML) against docs/office-profile.schema.json.

Usage: python3 validate.py SCHEMA.json PROFILE.yaml...   (exit 0 when every file is valid; 1 otherwise)
Each file prints one line: "FILE: valid" or "FILE: invalid: PATH: MESSAGE" (its first errors).
Needs the PyPI packages jsonschema and pyyaml. Days stay text, as the product's loader reads them, rather than
becoming dates: the schema checks their form itself.
"""
import json
import pathlib
import sys

import jsonschema
import yaml


class TextDays(yaml.SafeLoader):
    pass


# Drop the timestamp resolver, so 2024-05-13 stays the text the loader reads (and JSON can hold).
TextDays.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

schema = json.loads(pathlib.Path(sys.argv[1]).read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
failed = False
for name in sys.argv[2:]:
    doc = yaml.load(pathlib.Path(name).read_text(), Loader=TextDays)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        failed = True
        found = "; ".join(
            ("/".join(str(p) for p in e.absolute_path) or "(root)") + ": " + e.message[:160] for e in errors[:3])
        print(f"{name}: invalid: {found}")
    else:
        print(f"{name}: valid")
sys.exit(1 if failed else 0)
