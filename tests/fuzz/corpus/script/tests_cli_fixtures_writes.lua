-- writes.lua - a plain script that writes the file named by its first argument.
local path = assert(arg[1], "usage: writes.lua PATH")
local f, err = io.open(path, "w")
if not f then
  error(err, 0)
end
f:write("written\n")
f:close()
print("wrote " .. path)
