"""Questions a Wikipedia-paragraph corpus (SQuAD/XQuAD) cannot answer, for the refusal rate.

They are the kind of thing people really type into a chat bot: personal, cooking, coding,
shopping, weather, health-advice and small-talk questions. Several deliberately share words
with encyclopaedia topics (museums, universities, oil, engines, rivers, parliament, doctors)
so that a bot cannot refuse them on vocabulary alone.
"""

from __future__ import annotations

OFFTOPIC_QUESTIONS: tuple[str, ...] = (
    # personal / small talk
    "What should I get my sister for her birthday?",
    "Do you think I should quit my job?",
    "What's your favourite colour?",
    "Can you remind me to call my mom at 6pm?",
    "How do I stop procrastinating on my homework?",
    "Is it rude to leave a party without saying goodbye?",
    "What should I name my new puppy?",
    "Why does my cat keep knocking things off the table?",
    "How can I fall asleep faster at night?",
    "What's a good excuse for being late to work?",
    # cooking
    "How long should I boil an egg for a runny yolk?",
    "What's a good recipe for banana bread?",
    "Can I substitute baking soda for baking powder in pancakes?",
    "How do I keep my rice from getting sticky?",
    "At what temperature should I roast a chicken?",
    "How much garlic goes into a classic pesto?",
    "What wine goes well with salmon?",
    "How do I make cold brew coffee at home?",
    # coding how-to
    "How do I reverse a list in Python?",
    "How do I undo the last git commit?",
    "Why does my JavaScript fetch call return a CORS error?",
    "What's the difference between let and const in JavaScript?",
    "How do I center a div with CSS?",
    "How can I read a CSV file with pandas?",
    "How do I fix a segmentation fault in my C program?",
    "What is the keyboard shortcut to copy text on a Mac?",
    "How do I install Docker on Ubuntu?",
    "Why is my SQL query with GROUP BY so slow?",
    # shopping / products / money
    "Which laptop should I buy for under 800 dollars?",
    "Is the new iPhone worth upgrading to?",
    "What's the best budget mechanical keyboard?",
    "How do I cancel my Netflix subscription?",
    "Where can I get cheap flights to Lisbon next month?",
    "Should I put my savings into an index fund?",
    "How do I dispute a charge on my credit card?",
    # weather / local / time-bound
    "Will it rain tomorrow afternoon?",
    "What time does the pharmacy on my street close tonight?",
    "Is the museum downtown open on Monday?",
    "What's the traffic like on the highway right now?",
    "Who won the football match last night?",
    # health / fitness advice
    "How many push-ups should I do every day to build muscle?",
    "Is it safe to take ibuprofen on an empty stomach?",
    "What stretches help with lower back pain from sitting?",
    "How much water should I drink when running a marathon?",
    # vocabulary overlap with encyclopaedia topics, still unanswerable
    "How do I change the oil in my 2015 Honda Civic?",
    "Why is my car engine making a clicking noise when I start it?",
    "What's the easiest way to get into Harvard as a transfer student with a 3.2 GPA?",
    "Can my doctor see my text messages?",
    "How do I write a cover letter for a teaching job?",
    "Which streaming app has the best documentaries about the universe?",
    "What is the best river for kayaking with kids near Denver?",
    "How do I email my member of parliament about a pothole?",
    "What game should I play with friends on a rainy Saturday?",
    "How do I get my toddler to eat vegetables?",
    "What's a polite way to decline a wedding invitation?",
)
