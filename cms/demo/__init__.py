"""Demo content for a district site worth looking at (`manage.py load_demo_data`).

`data` holds the cooperatives, categories and products as plain values, `images`
draws their pictures with Pillow (nothing is downloaded), and `loader` writes them
idempotently: running it again updates the same rows instead of adding new ones.
"""
