"""Experimental tools. Each lives in its own subpackage, imported only when used."""
