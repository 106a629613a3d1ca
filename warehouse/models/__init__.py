"""Views and table macros of the warehouse, one SQL file per model group (see warehouse/db.py MODELS).

They are not migrations: every writable open re-creates them all (CREATE OR REPLACE), in the order of
warehouse.db.MODELS, so changing a view is one edit of its file. Tables stay in warehouse/migrations/.
"""
