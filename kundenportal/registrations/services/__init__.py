"""Registrations' writes, one module per seam.

- ``resolution``: which account a participant is (form, customer import, API).
- ``booking``: taking a registration from the public form.
- ``corrections``: what staff change afterwards (review, reassignment, waiting list, cancel).
"""
