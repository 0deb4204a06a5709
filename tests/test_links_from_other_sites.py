"""objects.inv lets another Sphinx project link to every published section (intersphinx)."""

from __future__ import annotations

from book_pages import headings, inventory, published_labels, soup


def test_objects_inv_resolves_every_published_label(html_dir):
    labels = inventory(html_dir)["std:label"]
    pages = {}
    for label in published_labels():
        assert label in labels, f"objects.inv has no std:label {label!r}"
        item = labels[label]
        page, _, anchor = item.uri.partition("#")
        assert anchor, f"{label}: {item.uri} has no anchor"
        if page not in pages:
            path = html_dir / page
            assert path.is_file(), f"{label}: {item.uri} points at a missing page"
            pages[page] = (soup(path), {h.section_id: h for h in headings(html_dir, page)})
        doc, by_id = pages[page]
        target = doc.find(id=anchor)
        assert target is not None, f"{label}: no element with id {anchor!r} in {page}"
        if anchor == label:  # not redirected: the inventory names the section by its title
            # A section's second label is an empty anchor at the section's start (docutils).
            section = target if target.name == "section" else target.parent
            holds = section is not None and section.name == "section" and (
                section is target or target.find_previous_sibling(lambda t: t.name != "span") is None)
            assert holds and section.get("id") in by_id, f"{label}: {page}#{anchor} is not a section"
            title = by_id[section["id"]].title
            assert item.display_name == title, (label, item.display_name, title)
