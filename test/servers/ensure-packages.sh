#!/usr/bin/env bash
# Placeholder: replaced by the directory-server harness.
exit 0
