"""Reading `run:` scripts: a shell lexer, simple commands, and recognisers for upload tools.

`trustpub.rewrite.commands.scan_script` is the entry point; these modules are its parts.
"""
