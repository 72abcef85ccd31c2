-- hostile: the design rewrites its own file while it is being run
-- exit: 2
-- stderr: cannot write "write_self.lua"
-- stderr: --allow-write
local me = ...
local f = assert(io.open(me, "w"))
f:write("return 'rewritten'\n")
f:close()
