return {
  title = "Consistent-hash ring",
  difficulty = "medium",
  track = "lld",
  summary = "A consistent-hash ring with virtual nodes and weights: few keys move on join and leave, load stays even",
  patterns = {},
  reference = "models/lld/hash_ring.lua",
  tasks = {
    {
      title = "Hash and look up",
      hints = {
        "FNV-1a: start at 0x811c9dc5; for each byte, xor it in, then multiply by 0x01000193 and keep the low 32 bits (& 0xffffffff).",
        "Put every point { pos = position(node .. \"#\" .. i), node = node } in one array sorted by pos, then by node name.",
        "lookup: binary-search the first point with pos >= position(key); past the end, wrap to the first point.",
      },
    },
    {
      title = "Join and leave",
      hints = {
        "If lookup is right, join and leave move only the keys they must: the tests check that your points are placed as stated.",
        "remove drops every point of the node; add inserts its points so the array stays sorted.",
      },
    },
    {
      title = "Balance, weights and speed",
      hints = {
        "A node of weight w gets vnodes * w points, named node#1 .. node#(vnodes*w).",
        "Sort only the new node's points and merge them into the sorted array: O(p), not a full re-sort on every add.",
      },
    },
  },
}
