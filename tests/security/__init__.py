"""The site under attack: throttling, headers, uploads, hostile input."""
