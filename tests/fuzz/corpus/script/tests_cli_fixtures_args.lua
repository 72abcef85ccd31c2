-- args.lua - a plain script: prints its arguments the way lua5.4 passes them.
local dk = require "designkit"
print("script " .. arg[0])
print("count " .. #arg)
print("args " .. table.concat(arg, ","))
print("varargs " .. table.concat({ ... }, ","))
print("module " .. type(dk.model))
