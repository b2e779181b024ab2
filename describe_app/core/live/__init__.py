"""The live camera modes: aiming guidance for reading (cues and tones), document mode (the
page's edges, then a capture by itself), hands-free change
watching, settled views to prepare before the user asks (and when preparing may run:
always, on mains power, never), and the loop that runs these checks on frames a few
times a second.

Uses pictures, reading (the text detector, the page finder) and speech (the tones).
"""
