-- saga: your solution. Read README.md for the statement; run `designkit exercise test`.
-- Every method below raises "not implemented": replace each body with your own.

local Saga = {}
Saga.__index = Saga

--- Saga.new(name [, { retries = n }]): an empty saga.
function Saga.new(name, opts)
  error("not implemented: Saga.new", 2)
end

--- saga:step(name, action [, compensation]): appends a step; returns the saga.
function Saga:step(name, action, compensation)
  error("not implemented: Saga:step", 2)
end

--- saga:run([ctx]): { status, failed_step, error, log }.
function Saga:run(ctx)
  error("not implemented: Saga:run", 2)
end

return { Saga = Saga }
