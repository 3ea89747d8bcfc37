"""The archive: importing past agenda pages, exporting them, and searching past topics."""
