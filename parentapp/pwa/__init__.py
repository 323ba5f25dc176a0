"""The installable phone app: manifest, service worker, offline page, quick exit and the
discreet name and icon a team may choose."""
