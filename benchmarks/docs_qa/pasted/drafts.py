# drafts: written before reading any answer; gold found afterwards
Q = {}
Q["flask"] = [
"""Traceback (most recent call last):
  File "/home/dan/projects/inventory/manage.py", line 14, in <module>
    init_db()
  File "/home/dan/projects/inventory/inventory/db.py", line 31, in init_db
    db = get_db()
  File "/home/dan/projects/inventory/inventory/db.py", line 12, in get_db
    if 'db' not in g:
  File "/home/dan/projects/inventory/venv/lib/python3.11/site-packages/werkzeug/local.py", line 311, in __get__
    obj = instance._get_current_object()
RuntimeError: Working outside of application context.

what does this mean? I'm just running the script to create the tables""",
"""got this on my VPS when I start the app with python app.py:

 * Serving Flask app 'shopfront'
 * Debug mode: off
WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead.
 * Running on http://127.0.0.1:5000

should I be worried? what should I use instead""",
"""when I try to log in I get

  File "/srv/blogapp/blogapp/auth.py", line 58, in login
    session['user_id'] = user['id']
RuntimeError: The session is unavailable because no secret key was set.  Set the secret_key on the application to something unique and secret.

how do I fix this""",
"""werkzeug.routing.exceptions.BuildError: Could not build url for endpoint 'profile'. Did you mean 'auth.profile' instead?

my template has {{ url_for('profile') }} and the view is in my auth blueprint, why can't it find it""",
"""is this ok for saving uploads? someone told me not to trust the filename

@app.route('/upload', methods=['POST'])
def upload():
    f = request.files['photo']
    f.save('/var/www/uploads/' + f.filename)
    return 'ok'""",
"""  File "/home/maria/todo/app.py", line 22, in index
    return render_template('index.html', todos=todos)
  File "/home/maria/todo/venv/lib/python3.12/site-packages/flask/templating.py", line 150, in render_template
    template = app.jinja_env.get_or_select_template(template_name_or_list)
jinja2.exceptions.TemplateNotFound: index.html

the file is definitely there, it's in the same folder as app.py""",
"""RuntimeError: Install Flask with the 'async' extra in order to use async views.

I just added async def to my view function because I call an async API client""",
]
Q["click"] = [
"""$ python sync.py
Usage: sync.py [OPTIONS] SRC DST
Try 'sync.py --help' for help.

Error: Missing argument 'SRC'.

how do I make SRC optional so it defaults to the current folder?""",
"""@click.command()
@click.option('--count', '-n', default=1)
def hello(n):
    for _ in range(n):
        click.echo('hi')

TypeError: hello() got an unexpected keyword argument 'count'
why?? I gave it -n""",
"""Traceback (most recent call last):
  File "/home/lee/tools/dbtool/cli.py", line 41, in migrate
    ctx.obj['conn'].execute(sql)
TypeError: 'NoneType' object is not subscriptable

I set up the connection in my @click.group function, how do I get it into the subcommands?""",
"""RuntimeError: Click will abort further execution because Python was configured to use ASCII as encoding for the environment. Consult https://click.palletsprojects.com/unicode-support/ for mitigation steps.

happens only inside our docker container""",
"""my test keeps failing with exit code 1 and result.output is empty:

def test_import(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ['import', str(tmp_path / 'x.csv')])
    assert result.exit_code == 0

>       assert result.exit_code == 0
E       assert 1 == 0

how do I see what actually went wrong?""",
"""$ mytool sync --verbose
Usage: mytool sync [OPTIONS]
Try 'mytool sync --help' for help.

Error: No such option: --verbose

--verbose is defined on the group, not on sync""",
]
Q["python"] = [
"""counter = 0
def bump():
    counter += 1
bump()

UnboundLocalError: cannot access local variable 'counter' where it is not associated with a value

but counter is defined right there above??""",
""">>> 0.1 + 0.2
0.30000000000000004
>>> 0.1 + 0.2 == 0.3
False
is my python broken?""",
"""  File "/opt/reports/export.py", line 88, in write_report
    json.dump(rows, fh)
  File "/usr/lib/python3.11/json/encoder.py", line 180, in default
    raise TypeError(f'Object of type {o.__class__.__name__} '
TypeError: Object of type datetime is not JSON serializable

how do I get json to write my datetimes""",
"""def add_item(item, basket=[]):
    basket.append(item)
    return basket

print(add_item('apple'))   # ['apple']
print(add_item('pear'))    # ['apple', 'pear'] ???

why does the second call still have apple in it""",
""">>> squares = [lambda: x**2 for x in range(5)]
>>> squares[2]()
16
I expected 4, what's going on""",
"""  File "/home/kim/photos/sort.py", line 9, in <module>
    target = base + '/sorted'
TypeError: unsupported operand type(s) for +: 'PosixPath' and 'str'

base is Path.home() / 'Pictures', how do I add a folder to it?""",
]
Q["socketio"] = [
"""server log is full of these:

2024-05-11 09:32:17,402 - engineio.server - WARNING - The client is using an unsupported version of the Socket.IO or Engine.IO protocols (further occurrences of this error will be logged with level INFO)

the client is a JS app using socket.io-client 4.7""",
"""Traceback (most recent call last):
  File "/home/ana/chat/client.py", line 19, in <module>
    sio.connect('http://localhost:5000', auth={'token': token})
  File "/home/ana/chat/venv/lib/python3.11/site-packages/socketio/client.py", line 160, in connect
    raise exceptions.ConnectionError(...)
socketio.exceptions.ConnectionError: One or more namespaces failed to connect

how does the server decide to reject a connection and how do I send a reason back?""",
"""2024-06-02 14:01:55,118 - engineio.server - ERROR - https://app.example.com is not an accepted origin. (further occurrences of this error will be logged with level INFO)
"OPTIONS /socket.io/?EIO=4&transport=polling&t=OZx1a HTTP/1.1" 400 -

works on localhost but not once deployed""",
"""running gunicorn -w 4 -k eventlet app:app and the browser console shows

GET https://chat.example.com/socket.io/?EIO=4&transport=polling&t=P1xQ2&sid=Zk3J-2aF 400 (Bad Request)

and the server says Invalid session Zk3J-2aF. with -w 1 it works fine""",
"""/home/raj/game/server.py:44: RuntimeWarning: coroutine 'AsyncServer.emit' was never awaited
  sio.emit('score', {'value': score})
RuntimeWarning: Enable tracemalloc to get the object allocation traceback

clients never get the score event""",
"""import socketio
sio = socketio.Client()

@sio.on('update')
def on_update(data):
    print('got', data)

sio.connect('http://localhost:5000')

the script just exits right after connecting and I never see any update printed""",
]
Q["pymdown"] = [
"""mkdocs serve gives me

ERROR    -  Config value 'markdown_extensions': Failed to load extension 'pymdownx.tabbed'.
            ModuleNotFoundError: No module named 'pymdownx'
Aborted with 1 configuration errors!""",
"""my mkdocs.yml has

markdown_extensions:
  - pymdownx.superfences

and in the page

```mermaid
graph LR
  A --> B
```

but it just shows up as a code block with the text, no diagram""",
"""INFO    -  Building documentation...
ERROR   -  Error reading page 'guide/setup.md': Snippet at path 'includes/abbreviations.md' could not be found

the file is in docs/includes/abbreviations.md, what path does snippets look in?""",
"""I enabled pymdownx.arithmatex and wrote $E = mc^2$ in my page, the output html has

<span class="arithmatex">\\(E = mc^2\\)</span>

but the browser just shows the raw \\(E = mc^2\\) text, no rendered formula""",
"""- [ ] write docs
- [x] ship it

renders as literal [ ] and [x] bullets instead of checkboxes, which extension does that?""",
]
Q["outlines"] = [
"""Traceback (most recent call last):
  File "/home/sam/extract/run.py", line 3, in <module>
    from outlines import models, generate
ImportError: cannot import name 'generate' from 'outlines' (/home/sam/extract/.venv/lib/python3.12/site-packages/outlines/__init__.py)

this worked last month, did something change?""",
"""  File "/home/sam/extract/run.py", line 5, in <module>
    model = outlines.from_transformers(AutoModelForCausalLM.from_pretrained(name), AutoTokenizer.from_pretrained(name))
ModuleNotFoundError: No module named 'transformers'

I did pip install outlines""",
"""model = outlines.from_openai("gpt-4o-mini")

TypeError: ... expected an OpenAI client

what do I pass to from_openai?""",
"""class Person(BaseModel):
    name: str
    age: int

result = model("Extract: John is 31", Person)
print(result.name)

AttributeError: 'str' object has no attribute 'name'

why do I get a string back and not a Person?""",
"""result = model("Give me a phone number", Regex(r"\\d{3}-\\d{4}"))

NotImplementedError: Regex-based structured outputs are not available with OpenAI.

which models can do regex?""",
"""[2025-02-03 11:20:41] ERROR outlines: generation failed
openai.RateLimitError: Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM)', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}

does outlines have a way to tell which errors are worth retrying?""",
]
OFF = {
"flask": [
"""psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: FATAL:  password authentication failed for user "postgres"

I reset the password in pgAdmin and it still fails""",
"""docker: Error response from daemon: driver failed programming external connectivity on endpoint shop_web (8d1f0c...): Bind for 0.0.0.0:8080 failed: port is already allocated.""",
],
"click": [
"""! [rejected]        main -> main (fetch first)
error: failed to push some refs to 'github.com:lee/dbtool.git'
hint: Updates were rejected because the remote contains work that you do not have locally.

how do I push my changes?""",
"""error[E0382]: borrow of moved value: `args`
  --> src/main.rs:14:20
   |
12 |     let cfg = parse(args);
   |                     ---- value moved here
14 |     println!("{:?}", args);
   |                      ^^^^ value borrowed here after move""",
],
"python": [
"""Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
    at com.example.App.greet(App.java:14)
    at com.example.App.main(App.java:6)""",
],
"pymdown": [
"""Warning: Each child in a list should have a unique "key" prop.

Check the render method of `TodoList`. See https://reactjs.org/link/warning-keys for more information.
    at li
    at TodoList (webpack-internal:///./src/TodoList.jsx:12:5)""",
"""npm ERR! code ERESOLVE
npm ERR! ERESOLVE unable to resolve dependency tree
npm ERR! Found: react@18.2.0
npm ERR! Could not resolve dependency:
npm ERR! peer react@"^17.0.0" from react-markdown@6.0.3""",
],
"socketio": [
"""Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:default" cannot list resource "pods" in API group "" in the namespace "chat" """,
],
"outlines": [
"""torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 7.79 GiB of which 1.12 GiB is free.

training my LoRA adapter with batch size 16, how do I fit it?""",
],
}
