"""Safe fetching of link titles and paper metadata for topics and sources."""
