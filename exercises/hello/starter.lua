-- A greeter. Replace each error(...) with your code; `designkit exercise test` runs the tests.
local Greeter = {}
Greeter.__index = Greeter

function Greeter.new()
  return setmetatable({}, Greeter)
end

function Greeter:greet(name)
  error("not implemented: Greeter:greet", 2)
end

function Greeter:count(name)
  error("not implemented: Greeter:count", 2)
end

return Greeter
