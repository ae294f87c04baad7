"""C code generation: program -> C text (`c`), and the hand-written C it pulls in (`csrc`)."""
