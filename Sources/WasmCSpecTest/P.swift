import WAT
