"""Frame layout: presenter, product card, price, QR code, captions, the AI label."""
