"""`trustpub status`: where each repository stands, from pull request to the last token."""
