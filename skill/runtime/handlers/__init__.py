"""Request handlers, one module per area. `skill.builder` registers them."""
