"""The live camera modes: aiming guidance for reading (cues and tones), hands-free change
watching, and the loop that runs these checks on frames a few times a second.

Uses pictures, reading (the text detector) and speech (the tones).
"""
