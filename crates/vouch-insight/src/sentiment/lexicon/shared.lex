# Words every language's comments borrow (mostly from English). Each language's own list
# comes first, so an entry here only fills a gap.
ok = 0.7
okay = 0.7
top = 2.0
cool = 1.5
nice = 1.8
wow = 2.3
bravo = 2.5
super = x1.3 2.0
hyper = x1.3 1.5
mega = x1.3 1.5
bug = -1.5
bugs = -1.5
bugge* = -1.8
buggy = -2.2
crash* = -2.2
lag = -1.2
meh = -1.0
fail = -2.0
thanks = 1.8
thx = 1.5
timeout* = -1.5
