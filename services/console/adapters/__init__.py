"""The console's storage: one repository per kind of document, the only modules touching a collection."""
