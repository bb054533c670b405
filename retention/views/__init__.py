"""The retention pages. Every page is scoped to the user's branch; another branch's object
is a 404."""
